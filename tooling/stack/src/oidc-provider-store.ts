// The development provider's storage: in memory, per provider instance (oidc-provider's own
// memory adapter is one store for the whole process), with clients that can be registered while
// it runs — a test learns its web app's callback URL only after the provider has started.
import type { Adapter, AdapterPayload, ClientMetadata } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Sessions, grants, codes and tokens of one provider, and its registered clients. */
export class ProviderStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clients = new Map<string, ClientMetadata>();

  registerClient(client: ClientMetadata): void {
    this.#clients.set(client.client_id, client);
  }

  /** oidc-provider's `adapter` option: one adapter per model name. */
  adapterFor = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      if (model === "Client") {
        const client = this.#clients.get(id);
        return client === undefined ? undefined : { ...client };
      }
      return this.#read(key(id));
    };
    const findWhere = async (field: "uid" | "userCode", value: string) => {
      for (const [k, entry] of this.#entries) {
        if (k.startsWith(`${model}:`) && entry.payload[field] === value) return this.#read(k);
      }
      return undefined;
    };
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000;
        this.#entries.set(key(id), { payload, expiresAt });
        this.#sweep();
      },
      find,
      findByUid: (uid) => findWhere("uid", uid),
      findByUserCode: (userCode) => findWhere("userCode", userCode),
      consume: async (id) => {
        const entry = this.#entries.get(key(id));
        if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.#entries.delete(key(id));
      },
      revokeByGrantId: async (grantId) => {
        for (const [k, entry] of this.#entries) {
          if (entry.payload.grantId === grantId) this.#entries.delete(k);
        }
      },
    };
  };

  #read(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  /** Drops what has expired, so a long `npm run dev` does not grow without bound. */
  #sweep(): void {
    const now = Date.now();
    for (const [k, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(k);
  }
}
