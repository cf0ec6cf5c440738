// A tiny OpenID Connect provider for Krisrum's login tests (tests/live/test_oidc_login.py).
// Usage: node provider.js PORT REDIRECT_URI   (issuer http://localhost:PORT)
// Development interactions: the login form takes one of the accounts below (any password),
// then a consent form. Test-only: static client, in-memory storage, http issuer.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);

const ACCOUNTS = {
  anna: { name: 'Anna Andersson', preferred_username: 'anna.andersson', groups: ['krisledning', 'alla-anstallda'] },
  bertil: { name: 'Bertil Berg', preferred_username: 'Bertil.Berg@mark.se', groups: ['krisledning', 'krisrum-admin'] },
  cissi: { name: 'Cissi Carlsson', preferred_username: 'cissi', groups: ['alla-anstallda'] },
  // An IdP account with the name of a local break-glass account: must not take it over.
  admin: { name: 'Inte Admin', preferred_username: 'admin', groups: ['krisrum-admin'] },
};

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: 'krisrum',
    client_secret: 'krisrum-test-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
  scopes: ['openid', 'profile', 'groups'],
  cookies: { keys: ['krisrum-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: `sub-${id}`, ...account }; } };
  },
});

provider.listen(Number(port), () => { console.log(`oidc-provider listening on ${port}`); });
