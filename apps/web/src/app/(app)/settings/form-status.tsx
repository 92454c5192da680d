import styles from "./settings.module.css";

export type Status = { kind: "success" | "error"; text: string } | null;

/** The outcome of a settings form: announced politely on success, assertively on failure. */
export function FormStatus({ status }: { status: Status }) {
  if (!status) return null;
  return status.kind === "success" ? (
    <p className={`alert ${styles.success}`} role="status">
      {status.text}
    </p>
  ) : (
    <p className="alert alert-error" role="alert">
      {status.text}
    </p>
  );
}
