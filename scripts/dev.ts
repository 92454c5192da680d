// `npm run dev`: migrate, then the web app (`next dev`, :3000) and the API (`tsx watch`, :8000)
// with reload, same configuration rules as `npm start`, beside the mail catcher and a development
// OpenID Connect provider. Ctrl-C stops everything.
import {
  fail,
  loadDotEnv,
  mailLine,
  migrate,
  requireFreePorts,
  resolveStack,
  runSupervised,
  signInLine,
  startMailCatcher,
  startOidcProvider,
} from "@tandem/stack";

try {
  loadDotEnv();
  const stack = resolveStack(process.env, "dev");
  await requireFreePorts(stack);
  console.log(`Database: ${await migrate(stack.databaseUrl)} (migrated)`);

  // In this process: it stops with it, like the services.
  await startMailCatcher(stack);
  await startOidcProvider(stack);
  await runSupervised(stack.services);
  console.log(
    [
      "",
      "Tandem (development, with reload):",
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
