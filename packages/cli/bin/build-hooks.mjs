// Module resolve hook (node:module register): `@warren/*` specifiers → the files of the plain-JS
// build in .build/node/. Everything else goes down the chain (tsx, then Node).
let exportsMap = {};

export function initialize(data) {
  exportsMap = data.exports;
}

export function resolve(specifier, context, next) {
  const url = exportsMap[specifier];
  return url ? { url, format: 'module', shortCircuit: true } : next(specifier, context);
}
