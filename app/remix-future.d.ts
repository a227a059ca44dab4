import "@remix-run/node";

// Single Fetch is on (remix.config.js); this makes useLoaderData<typeof loader>() infer the
// serialised shapes that Single Fetch actually sends.
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
