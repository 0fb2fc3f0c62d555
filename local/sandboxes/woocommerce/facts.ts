/** The WooCommerce sandbox's test facts (`SandboxFacts`): its wc-auth page's accepting button and the store's fixture keys. */
import type { SandboxFacts } from '../types.js';

export interface WooKeyPair {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly permissions: 'read' | 'write' | 'read_write';
}

export const WOOCOMMERCE_FACTS = {
  id: 'woocommerce',
  /** The store's wc-auth approval page: **Approve** (and **Deny**). */
  accept: { decision: 'approve', label: 'Approve', choices: {} },
  /** The store owner's fixture REST API keys. */
  keys: {
    read: { consumerKey: 'ck_sandbox_read', consumerSecret: 'cs_sandbox_read', permissions: 'read' },
    readWrite: { consumerKey: 'ck_sandbox_write', consumerSecret: 'cs_sandbox_write', permissions: 'read_write' },
    writeOnly: { consumerKey: 'ck_sandbox_writeonly', consumerSecret: 'cs_sandbox_writeonly', permissions: 'write' },
  },
} as const satisfies SandboxFacts & { keys: Readonly<Record<string, WooKeyPair>> };
