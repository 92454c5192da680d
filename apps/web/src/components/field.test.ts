import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Field, type FieldProps } from "./field";

const render = (props: FieldProps) => renderToStaticMarkup(createElement(Field, props));

describe("Field", () => {
  it("labels the input and passes its attributes through", () => {
    const html = render({ id: "email", name: "email", type: "email", label: "Email", required: true });
    expect(html).toMatch(/^<div class="field"><label for="email">Email<\/label><input [^>]*\/><\/div>$/);
    for (const attribute of ['id="email"', 'name="email"', 'type="email"', 'required=""'])
      expect(html).toContain(attribute);
    expect(html).not.toMatch(/aria-(invalid|describedby)/);
  });

  it("describes the input by its hint", () => {
    const html = render({ id: "password", label: "Password", hint: "At least 8 characters." });
    expect(html).toContain('aria-describedby="password-hint"');
    expect(html).toContain('<span id="password-hint" class="hint">At least 8 characters.</span>');
    expect(html).not.toContain("aria-invalid");
  });

  it("marks the input invalid and describes it by its hint and its error", () => {
    const html = render({ id: "name", label: "Name", hint: "As others see it.", error: "Enter your name." });
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="name-hint name-error"');
    expect(html).toContain('<span id="name-error" class="field-error">Enter your name.</span>');
  });
});
