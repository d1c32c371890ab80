// A real OpenID Connect provider for Kasvu's single sign-on tests: the
// certified `oidc-provider` package with its development login and consent
// pages, one client (Kasvu) and a few people. Started by
// `crates/kasvu/tests/browser.rs`; prints "issuer URL" once it listens.
//
// For the refusal tests it can misbehave on request (GET /__test/mode/NAME):
//   audience  the ID token is re-signed, with its own key, for another client;
//   tamper    the ID token's e-mail is changed without signing it again;
//   normal    as the package answers.

import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const redirectUri = process.env.REDIRECT_URI;
if (!redirectUri) throw new Error('REDIRECT_URI is not set');

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'kasvu-test', alg: 'RS256', use: 'sig' };

// Log in at the development login page with these names (any password).
const people = {
  admin: { email: 'admin@oulu.example', email_verified: true, name: 'Oulun pääkäyttäjä' },
  stranger: { email: 'stranger@elsewhere.example', email_verified: true, name: 'Muukalainen' },
  unverified: { email: 'admin@oulu.example', email_verified: false, name: 'Vahvistamaton' },
};

let mode = 'normal';
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'kasvu',
      client_secret: 'kasvu-test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['kasvu-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The claims asked for by scope go into the ID token itself.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || mode === 'normal' || !ctx.body?.id_token) return;
  const [header, payload] = ctx.body.id_token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  if (mode === 'audience') {
    claims.aud = 'another-client';
    ctx.body.id_token = await new jose.SignJWT(claims)
      .setProtectedHeader(JSON.parse(Buffer.from(header, 'base64url').toString()))
      .sign(privateKey);
  } else if (mode === 'tamper') {
    claims.email = 'admin@oulu.example';
    const parts = ctx.body.id_token.split('.');
    parts[1] = Buffer.from(JSON.stringify(claims)).toString('base64url');
    ctx.body.id_token = parts.join('.');
  }
});

const handle = provider.callback();
server.on('request', (req, res) => {
  const m = req.url.match(/^\/__test\/mode\/(\w+)$/);
  if (m) {
    mode = m[1];
    res.end(`mode ${mode}\n`);
    return;
  }
  handle(req, res);
});

console.log(`issuer ${issuer}`);
