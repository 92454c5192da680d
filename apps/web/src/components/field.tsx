import type { InputHTMLAttributes, ReactNode } from "react";

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  /** The input's id; the hint and error get `<id>-hint` and `<id>-error`. */
  id: string;
  label: ReactNode;
  /** Shown under the input and announced with it (`aria-describedby`). */
  hint?: ReactNode;
  /** This field's problem: marks the input `aria-invalid` and is announced with it. */
  error?: string | null;
}

/**
 * A labelled form input with its hint and error wired for assistive technology.
 *
 * @example
 * <Field id="email" name="email" type="email" label="Email" autoComplete="email" required />
 */
export function Field({ id, label, hint, error, ...input }: FieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={errorId ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint === undefined ? null : (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
