// Stands in for the `debug` package in the script-tag build. simple-peer logs through it, but
// Porchlight logs nothing in the visitor's browser, so each logger it makes does nothing.
export default function createDebug() {
  return function log() {};
}
