// Next's ambient types (CSS modules, images) for type-checking before any `next build`; the
// generated next-env.d.ts (git-ignored) says the same once a build or dev server has run.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
