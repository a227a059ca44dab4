import { createContext, useContext } from "react";

/**
 * The per-response CSP nonce, provided by entry.server around the server render. In the browser there
 * is no provider and the value is "": the scripts that need it were already run from the server's HTML.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
