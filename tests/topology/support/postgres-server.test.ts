import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type PostgresServer, startPostgresServer } from "./postgres-server.ts";

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgresServer();
}, 60_000);

afterAll(async () => {
  await server.remove();
});

async function query<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

test("serves a loopback-only, durable database of its own", async () => {
  expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  expect(server.port).not.toBe(5432);
  const [settings] = await query<{ fsync: string; listen: string }>(
    "select current_setting('fsync') as fsync, current_setting('listen_addresses') as listen",
  );
  expect(settings).toEqual({ fsync: "on", listen: "127.0.0.1" });
});

test("a committed row survives stop and start; connections fail fast while it is down", async () => {
  await query("create table kept (v int)");
  await query("insert into kept values (42)");

  await server.stop();
  expect(server.running).toBe(false);
  const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
  await expect(client.connect()).rejects.toThrow();

  await server.start();
  expect(await query<{ v: number }>("select v from kept")).toEqual([{ v: 42 }]);
}, 60_000);

test("an open session is ended by a fast stop, as an operator's restart does", async () => {
  const client = new pg.Client({ connectionString: server.url });
  const ended = new Promise<Error>((resolve) => client.on("error", resolve));
  await client.connect();
  await server.stop("fast");
  // 57P01 admin_shutdown reaches the client (or the socket just closes): either way it learns.
  await expect(
    Promise.race([
      ended,
      client.query("select 1").then(
        () => null,
        (e: Error) => e,
      ),
    ]),
  ).resolves.toBeInstanceOf(Error);
  await client.end().catch(() => undefined);
  await server.start();
}, 60_000);
