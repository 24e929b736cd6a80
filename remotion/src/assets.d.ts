/** Webpack (Remotion's bundler config) turns imported font files into asset URLs; TypeScript needs to know that. */
declare module '*.woff2' {
  const url: string;
  export default url;
}

/** FontFaceSet is set-like; its `add` is only typed in lib "DOM.Iterable", which this project does not include. */
interface FontFaceSet {
  add(font: FontFace): FontFaceSet;
}
