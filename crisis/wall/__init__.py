"""The shared screen (storbild): the common operational picture of one incident."""
