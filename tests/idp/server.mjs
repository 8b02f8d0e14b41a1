// A real OpenID provider (oidc-provider) on 127.0.0.1 for tests/oidc_provider.rs.
//
// It issues JWT access tokens by the client credentials grant: the client `rs256` gets RS256
// tokens, `es256` gets ES256 tokens, both for the resource https://api.towerapi.test with the
// scopes asked for (items:read, items:write). `POST /__rotate` replaces every signing key by new
// ones (new kids; the old keys are gone from the JWKS). The first stdout line is
// {"issuer": "...", "kids": [...]}; the process ends when its stdin closes.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const RESOURCE = 'https://api.towerapi.test';
const SCOPES = 'items:read items:write';
let generation = 0;

function signingKeys() {
  generation += 1;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: `rsa-${generation}`, alg: 'RS256', use: 'sig' },
    { ...ec, kid: `ec-${generation}`, alg: 'ES256', use: 'sig' },
  ];
}

function provider(issuer, keys) {
  const client = (id) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: SCOPES,
  });
  const p = new Provider(issuer, {
    clients: [client('rs256'), client('es256')],
    jwks: { keys },
    scopes: ['openid', 'items:read', 'items:write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator, c) => {
          if (indicator !== RESOURCE) throw new Error(`unknown resource ${indicator}`);
          return {
            scope: SCOPES,
            audience: RESOURCE,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: c.clientId === 'es256' ? 'ES256' : 'RS256' } },
          };
        },
      },
    },
  });
  p.on('server_error', (ctx, err) => console.error('server_error', err));
  return p;
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  let keys = signingKeys();
  let current = provider(issuer, keys).callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/__rotate') {
      keys = signingKeys();
      current = provider(issuer, keys).callback();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kids: keys.map((k) => k.kid) }));
      return;
    }
    current(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer, kids: keys.map((k) => k.kid) })}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
