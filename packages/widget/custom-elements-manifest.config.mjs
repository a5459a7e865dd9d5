// Settings of @custom-elements-manifest/analyzer (`cem analyze`), which `npm run build` runs to
// write custom-elements.json from the JSDoc tags of the elements.

/**
 * Removes events without a name. The analyzer lists every `dispatchEvent(new SomeEvent(...))`
 * as an event of unknown name, beside the named ones that the `@event` tags document.
 */
function dropUnnamedEvents() {
  return {
    name: 'porchlight-drop-unnamed-events',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          // Private members are no part of the public API.
          if (declaration.members) {
            declaration.members = declaration.members.filter(
              (member) => member.privacy !== 'private' && !member.name.startsWith('#'),
            );
          }
          if (declaration.events) {
            declaration.events = declaration.events.filter((event) => event.name);
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/button.ts', 'src/console.ts', 'src/call-view.ts', 'src/events.ts'],
  outdir: '.',
  litelement: true,
  plugins: [dropUnnamedEvents()],
};
