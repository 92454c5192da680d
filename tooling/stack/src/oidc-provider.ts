// The module's types travel with this file into every project that reaches it (apps/web's e2e too).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./oidc-provider-module.d.ts" />
// The development OpenID Connect provider: a real one (oidc-provider, OpenID Certified) on
// loopback, with a login page that signs in any email — verified or not, as the tester says — and
// a consent page that can deny. `npm run dev` and the test stacks run it in-process, as they run
// the mail catcher; the web app cannot tell it from a production provider (decision 017).
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  ClientMetadata,
  interactionPolicy,
  InteractionResults,
  KoaContextWithOIDC,
  Provider,
} from "oidc-provider";
import { consentPage, errorPage, loginPage, PAGE_HEADERS } from "./oidc-provider-pages.ts";
import { ProviderStore } from "./oidc-provider-store.ts";

/** A web app registered with the provider. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  /** For Tandem: `<BETTER_AUTH_URL>/api/auth/callback/<provider id>`. */
  redirectUris: string[];
}

export interface OidcProviderOptions {
  /** Default: one the system picks. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Shown on its pages (default "Dev ID"). */
  name?: string;
  clients?: OidcClient[];
}

interface DevAccount {
  email: string;
  emailVerified: boolean;
  name: string;
}

/** The accounts' subject: stable per email, so a second sign-in with one email is the same account. */
export function devSubject(email: string): string {
  return `dev-${createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 24)}`;
}

async function loadProviderClass(): Promise<{ Provider: typeof Provider; base: typeof interactionPolicy }> {
  // oidc-provider 9 warns on import that Node 20 is not its supported runtime; Tandem's suites run
  // it on Node 20 against Better Auth and pass. Keep that one line out of every test run.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("Unsupported runtime")) return;
    warn(...args);
  };
  try {
    const module = await import("oidc-provider");
    return { Provider: module.Provider, base: module.interactionPolicy };
  } finally {
    console.warn = warn;
  }
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) request.destroy(new Error("form too large"));
    });
    request.on("end", () => resolve(new URLSearchParams(body)));
    request.on("error", reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * A development OpenID Connect provider on loopback. Discovery at
 * `<issuer>/.well-known/openid-configuration`; codes need PKCE (S256); ID tokens (RS256) carry
 * `email`, `email_verified` and `name`. Every sign-in asks who you are and whether you allow the
 * app, so a tester can try another email, an unverified one, or a refusal.
 *
 * @example
 * const idp = await OidcProvider.start({ clients: [{ clientId: "tandem", clientSecret, redirectUris }] });
 * // OIDC_ISSUER=idp.issuer OIDC_CLIENT_ID=tandem OIDC_CLIENT_SECRET=… OIDC_NAME="Dev ID"
 * await idp.stop();
 */
export class OidcProvider {
  readonly #accounts = new Map<string, DevAccount>();

  private constructor(
    private readonly server: Server,
    private readonly store: ProviderStore,
    readonly issuer: string,
    readonly port: number,
    readonly name: string,
  ) {}

  static async start(options: OidcProviderOptions = {}): Promise<OidcProvider> {
    const host = options.host ?? "127.0.0.1";
    const name = options.name ?? "Dev ID";
    const { Provider, base } = await loadProviderClass();
    // The issuer holds the port, which is known once listening: requests before then get 503.
    const ref: { handle?: (request: IncomingMessage, response: ServerResponse) => void } = {};
    const server = createServer((request, response) => {
      if (ref.handle) return ref.handle(request, response);
      response.writeHead(503).end("starting");
    });
    const port = await listen(server, options.port ?? 0, host);
    const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const store = new ProviderStore();
    const idp = new OidcProvider(server, store, issuer, port, name);
    for (const client of options.clients ?? []) idp.addClient(client);

    const policy = base.base();
    // Ask on every sign-in rather than remember the last one: the tester picks the email each time.
    for (const prompt of ["login", "consent"] as const) {
      policy
        .get(prompt)
        ?.checks.add(
          new base.Check(
            `dev_${prompt}_every_time`,
            `the development provider asks for ${prompt} every time`,
            (ctx) => ctx.oidc.result?.[prompt] === undefined,
          ),
        );
    }
    const provider = new Provider(issuer, {
      adapter: store.adapterFor,
      jwks: {
        keys: [generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" })],
      },
      cookies: { keys: [randomBytes(32).toString("base64url")] },
      findAccount: async (_ctx, sub) => idp.#account(sub),
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      // The one client authentication every OAuth server supports, and the one Tandem uses.
      clientAuthMethods: ["client_secret_basic"],
      // The ID token itself states the email and whether it is verified, as Google's does.
      conformIdTokenClaims: false,
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: { enabled: false },
      },
      interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // Clients must prove they started the flow they finish.
      pkce: { required: () => true },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 600,
        Grant: 600,
      },
      renderError: (ctx: KoaContextWithOIDC, out) => {
        ctx.type = "html";
        ctx.body = errorPage(name, out);
      },
    });
    // Protocol errors (invalid_grant…) are answered to the client; only the provider's own faults are logged.
    provider.on("server_error", (...args: unknown[]) => console.error("[oidc] server error:", args[1]));
    const oidc = provider.callback();
    ref.handle = (request, response) => {
      if (request.url?.startsWith("/interaction/")) {
        idp.#interaction(provider, request, response).catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(400, PAGE_HEADERS);
          response.end(errorPage(name, { error: error instanceof Error ? error.message : String(error) }));
        });
        return;
      }
      oidc(request, response);
    };
    return idp;
  }

  /** Registers a web app (or replaces one with the same id), taking effect at once. */
  addClient(client: OidcClient): void {
    const metadata: ClientMetadata = {
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    };
    this.store.registerClient(metadata);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #account(sub: string) {
    const account = this.#accounts.get(sub);
    if (account === undefined) return undefined;
    return {
      accountId: sub,
      claims: () => ({
        sub,
        email: account.email,
        email_verified: account.emailVerified,
        name: account.name,
      }),
    };
  }

  async #interaction(provider: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    const clientName = "Tandem";
    // Consent keeps the login it follows; a login or a refusal starts over.
    const finish = (result: InteractionResults, mergeWithLastSubmission = true) =>
      provider.interactionFinished(request, response, result, { mergeWithLastSubmission });
    const action = request.url?.split("?")[0]?.split("/")[3];

    if (request.method === "GET") {
      response.writeHead(200, PAGE_HEADERS);
      if (details.prompt.name === "login") {
        const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
        response.end(
          loginPage({ uid: details.uid, providerName: this.name, clientName, ...(hint ? { hint } : {}) }),
        );
      } else {
        const email = this.#accounts.get(details.session?.accountId ?? "")?.email ?? "";
        response.end(consentPage({ uid: details.uid, providerName: this.name, clientName, email }));
      }
      return;
    }
    if (request.method !== "POST") throw new Error("method not allowed");
    const form = await readForm(request);
    if (action === "abort") {
      return finish(
        { error: "access_denied", error_description: "The user did not allow the sign-in" },
        false,
      );
    }
    if (action === "login" && details.prompt.name === "login") {
      const email = (form.get("email") ?? "").trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error("an email address is required");
      const sub = devSubject(email);
      this.#accounts.set(sub, {
        email,
        emailVerified: form.get("email_verified") === "true",
        name: (form.get("name") ?? "").trim(),
      });
      return finish({ login: { accountId: sub, remember: false } }, false);
    }
    if (action === "consent" && details.prompt.name === "consent") {
      const accountId = details.session?.accountId;
      if (accountId === undefined) throw new Error("no signed-in account");
      const clientId = String(details.params.client_id);
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId, clientId });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(" "));
      }
      return finish({ consent: { grantId: await grant.save() } });
    }
    throw new Error(`unexpected step: ${action ?? "none"} during ${details.prompt.name}`);
  }
}
