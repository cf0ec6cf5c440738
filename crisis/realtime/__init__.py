"""The realtime bus: Socket.IO rooms per incident, emit after commit."""
