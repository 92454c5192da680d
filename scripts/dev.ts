// `npm run dev`: migrate, then the web app (`next dev`, :3000) and the API (`tsx watch`, :8000)
// with reload, same configuration rules as `npm start`. Ctrl-C stops both.
import { join } from "node:path";
import { API_DIR, BIN, WEB_DIR, webServerCommand } from "./lib/build.ts";
import { startService, waitForHttp } from "./lib/processes.ts";
import { fail, loadDotEnv, migrate, requireFreePorts, resolveStack, supervise } from "./lib/stack.ts";

try {
  loadDotEnv();
  const stack = resolveStack(process.env, "dev");
  await requireFreePorts(stack);
  console.log(`Database: ${await migrate(stack.databaseUrl)} (migrated)`);

  const web = startService({
    name: "web",
    ...webServerCommand("dev", stack.webPort),
    cwd: WEB_DIR,
    env: stack.webEnv,
  });
  const api = startService({
    name: "api",
    command: join(BIN, "tsx"),
    args: ["watch", "--clear-screen=false", "src/main.ts"],
    cwd: API_DIR,
    env: stack.apiEnv,
  });
  const { stopAll } = supervise([web, api]);

  try {
    // The first request to `next dev` compiles the page, hence the generous timeout.
    await Promise.all([
      waitForHttp(`http://localhost:${stack.webPort}/`, { service: web, timeoutMs: 300_000 }),
      waitForHttp(`http://localhost:${stack.apiPort}/health`, { service: api }),
    ]);
  } catch (error) {
    console.error(`Tandem: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
  console.log(
    [
      "",
      "Tandem (development, with reload):",
      `  Web app  ${stack.webUrl}`,
      `  API      ${stack.apiUrl}   (docs: ${stack.apiUrl}/docs)`,
      `  Secret   ${stack.secretSource}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
} catch (error) {
  fail(error);
}
