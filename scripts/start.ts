// `npm start`: migrate, build what is stale, run the web app (:3000) and the API (:8000) from
// production builds, wait until both answer, print the URLs. Ctrl-C stops both.
import {
  buildApi,
  buildWeb,
  fail,
  loadDotEnv,
  mailLine,
  migrate,
  requireFreePorts,
  resolveStack,
  runSupervised,
  signInLine,
  startMailCatcher,
} from "@tandem/stack";

const started = Date.now();
try {
  loadDotEnv();
  const stack = resolveStack(process.env, "start");
  await requireFreePorts(stack);

  console.log(`Database: ${await migrate(stack.databaseUrl)} (migrated)`);
  await buildApi(stack.apiEnv);
  if (!(await buildWeb(process.env))) console.log("Web app: production build is up to date");

  // In this process: it stops with it, like the services.
  await startMailCatcher(stack);
  await runSupervised(stack.services);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      "",
      `Tandem is running (ready in ${seconds} s):`,
      `  Web app  ${stack.webUrl}`,
      `  API      ${stack.apiUrl}   (docs: ${stack.apiUrl}/docs)`,
      `  Secret   ${stack.secretSource}`,
      mailLine(stack),
      signInLine(stack),
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
} catch (error) {
  fail(error);
}
