// Runs once when the Next.js server starts: validate the configuration then, so a production
// server without a proper BETTER_AUTH_SECRET refuses to start instead of failing on first use.
export async function register(): Promise<void> {
  // Next compiles this hook for the Edge runtime too; this static check lets that bundle drop the
  // Node-only code. It names the runtime, not configuration, so it stays out of env.ts.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigurationOrExit } = await import("./env");
  checkConfigurationOrExit();
}
