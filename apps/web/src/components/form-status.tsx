import styles from "./form-status.module.css";

export type Status = { kind: "success" | "error"; text: string } | null;

/** What a submission ends in: a status to show, or a navigation away (the form stays busy). */
export type Outcome = Status | "navigating";

export const failed = (text: string): Status => ({ kind: "error", text });
export const succeeded = (text: string): Status => ({ kind: "success", text });

/** The outcome of a form: announced politely on success, assertively on failure. */
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
