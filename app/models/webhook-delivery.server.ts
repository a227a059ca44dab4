import type { Database } from "../../db/database";
import type { Executor } from "../../db/database";

/** Whether the delivery `id` (X-GitHub-Delivery) has been applied already. */
export async function hasWebhookDelivery(db: Database, { id }: { id: string }): Promise<boolean> {
  const row = await db.selectFrom("webhookDeliveries").select("id").where("id", "=", id).executeTakeFirst();
  return row !== undefined;
}

/**
 * Records a delivery as applied; written in the transaction that applies it. A second record of the same
 * id fails on the table's primary key: see `isDuplicateWebhookDelivery`.
 */
export async function insertWebhookDelivery(
  trx: Executor,
  delivery: { id: string; event: string; receivedAt: string },
): Promise<void> {
  await trx.insertInto("webhookDeliveries").values(delivery).execute();
}

/**
 * Whether `error` is the database refusing a delivery id that a concurrent redelivery (to this instance
 * or another) recorded first: SQLite's and PostgreSQL's words for it.
 */
export function isDuplicateWebhookDelivery(error: unknown): boolean {
  return (
    error instanceof Error &&
    /UNIQUE constraint failed: webhook_deliveries|duplicate key value violates unique constraint "webhook_deliveries_pkey"/.test(
      error.message,
    )
  );
}
