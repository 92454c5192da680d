// @tandem/stack: one configuration → every service's environment, and start, wait for, stop a
// stack of services. Used by `npm start`, `npm run dev`, the test suites and the benchmark.
export { API_BUNDLE, API_DIR, BIN, FASTAPI_DIR, ROOT, WEB_DIR } from "./paths.ts";
export { freePort, isPortFree, LineBuffer, runStep, startService, waitForHttp } from "./processes.ts";
export type { Env, Service, ServiceOptions, WaitOptions } from "./processes.ts";
export {
  API_NODE_FLAGS,
  apiAuthEnv,
  apiCommand,
  BACKENDS,
  baseEnv,
  OIDC_PROVIDER_ID,
  oidcRedirectUri,
  oidcWebEnv,
  PYTHON,
  webAppEnv,
  webCommand,
} from "./services.ts";
export type {
  Backend,
  Command,
  OidcClientSettings,
  ServiceDefinition,
  TokenIssuer,
  WebAppSettings,
} from "./services.ts";
export { resolveStack, StackError } from "./config.ts";
export type { DevOidcProvider, Stack } from "./config.ts";
export {
  fail,
  loadDotEnv,
  mailLine,
  migrate,
  requireFreePorts,
  runSupervised,
  signInLine,
  startMailCatcher,
  startOidcProvider,
  supervise,
} from "./supervise.ts";
export { apiBuildReason, buildApi, buildApiIfStale, buildWeb, webBuildReason } from "./build.ts";
export { backendUnavailable, chooseBackends, startBackend } from "./backends.ts";
export type { BackendChoice, BackendOptions, RunningBackend } from "./backends.ts";
export { createStackDatabase } from "./stack-database.ts";
export type { StackDatabase, StackDatabaseOptions, StackDialect } from "./stack-database.ts";
export { StackService, TestStack } from "./test-stack.ts";
export type { TestStackOptions } from "./test-stack.ts";
export { MailCatcher } from "./mail-catcher.ts";
export { extractLinks } from "./mail-message.ts";
export type { CaughtMessage } from "./mail-message.ts";
export { mailbox } from "./mailbox-client.ts";
export type { MailboxClient } from "./mailbox-client.ts";
export { devSubject, OidcProvider } from "./oidc-provider.ts";
export type { OidcClient, OidcProviderOptions } from "./oidc-provider.ts";
