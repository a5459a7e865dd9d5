// Mocha globals that @web/test-runner defines in the browser for `*.browser.test.ts` files. No
// @types/mocha is installed, so these declarations cover the subset our browser tests use.

type MochaCallback = (this: MochaContext) => void | Promise<unknown>;

interface MochaContext {
  /** Sets the time limit of the current test or hook, in milliseconds. */
  timeout(milliseconds: number): void;
}

interface MochaSuiteFunction {
  (title: string, body: (this: MochaContext) => void): void;
  only(title: string, body: (this: MochaContext) => void): void;
  skip(title: string, body: (this: MochaContext) => void): void;
}

interface MochaTestFunction {
  (title: string, body?: MochaCallback): void;
  only(title: string, body?: MochaCallback): void;
  skip(title: string, body?: MochaCallback): void;
}

declare const describe: MochaSuiteFunction;
declare const it: MochaTestFunction;
declare function before(body: MochaCallback): void;
declare function after(body: MochaCallback): void;
declare function beforeEach(body: MochaCallback): void;
declare function afterEach(body: MochaCallback): void;
