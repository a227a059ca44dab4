// Global setup for the whole suite. The browser tests add the app build here (see tests/e2e).
export default function setup(): void {
  process.env.TZ = "UTC";
}
