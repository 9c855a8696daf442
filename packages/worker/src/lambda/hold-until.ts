/** Resolves once `dueMs` (epoch ms) has passed by the wall clock (a timer may fire a tick early). */
export async function holdUntil(dueMs: number): Promise<void> {
  for (let left = dueMs - Date.now(); left > 0; left = dueMs - Date.now())
    await new Promise((r) => setTimeout(r, left));
}
