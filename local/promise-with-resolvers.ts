/**
 * aws-local-stepfunctions uses Promise.withResolvers (Node 22+); Node 20 lacks it. Defined only
 * where missing, with the standard behaviour.
 */
const PromiseConstructor = Promise as unknown as {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
};
if (typeof PromiseConstructor.withResolvers !== 'function') {
  PromiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
export {};
