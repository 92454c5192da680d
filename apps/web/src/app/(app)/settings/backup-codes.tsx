"use client";

import { useState } from "react";
import { failed, FormStatus, type Status, succeeded } from "@/components/form-status";
import styles from "./two-factor.module.css";

function download(codes: readonly string[]): void {
  const text = [
    "Tandem backup codes",
    "",
    "Each code signs you in once when you can't use your authenticator app.",
    `Generated ${new Date().toISOString().slice(0, 10)}.`,
    "",
    ...codes,
    "",
  ].join("\n");
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "tandem-backup-codes.txt";
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/**
 * Freshly issued backup codes, shown this once (the server keeps them encrypted and never shows
 * them again), with ways to keep them: copy and a .txt download.
 */
export function BackupCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const [status, setStatus] = useState<Status>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      setStatus(succeeded("Backup codes copied."));
    } catch {
      setStatus(failed("We couldn't copy them: select the codes and copy them yourself, or download them."));
    }
  }

  return (
    <div aria-labelledby="backup-codes-heading" role="group">
      <h3 id="backup-codes-heading">Your backup codes</h3>
      <p>
        If you can't use your authenticator app, each of these codes signs you in once. Keep them somewhere
        safe: this is the only time they're shown.
      </p>
      <ol className={styles.codes} aria-label="Backup codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <FormStatus status={status} />
      <div className={styles.actions}>
        <button type="button" onClick={copy}>
          Copy codes
        </button>
        <button type="button" onClick={() => download(codes)}>
          Download codes
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I've saved them
        </button>
      </div>
    </div>
  );
}
