// `npm start`: migrate, build what is stale, run the web app (:3000) and the API (:8000) from
// production builds, wait until both answer, print the URLs. Ctrl-C stops both.
import { API_NODE_FLAGS } from "./lib/backends.ts";
import { API_DIR, buildApi, buildWeb, WEB_DIR, webServerCommand } from "./lib/build.ts";
import { startService, waitForHttp } from "./lib/processes.ts";
import { fail, loadDotEnv, migrate, requireFreePorts, resolveStack, supervise } from "./lib/stack.ts";

const started = Date.now();
try {
  loadDotEnv();
  const stack = resolveStack(process.env, "start");
  await requireFreePorts(stack);

  console.log(`Database: ${await migrate(stack.databaseUrl)} (migrated)`);
  await buildApi(stack.apiEnv);
  if (!(await buildWeb(process.env))) console.log("Web app: production build is up to date");

  const web = startService({
    name: "web",
    ...webServerCommand("start", stack.webPort),
    cwd: WEB_DIR,
    env: stack.webEnv,
  });
  const api = startService({
    name: "api",
    command: process.execPath,
    args: [...API_NODE_FLAGS, "dist/main.js"],
    cwd: API_DIR,
    env: stack.apiEnv,
  });
  const { stopAll } = supervise([web, api]);

  try {
    await Promise.all([
      waitForHttp(`http://localhost:${stack.webPort}/`, { service: web }),
      waitForHttp(`http://localhost:${stack.apiPort}/health`, { service: api }),
    ]);
  } catch (error) {
    console.error(`Tandem: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      "",
      `Tandem is running (ready in ${seconds} s):`,
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
