/**
 * One wait's share of its client's long-poll budget. A slot is held for one long-poll try only
 * (not across a retry's pause or the wait's whole life): a try that finds none free goes out as a
 * short GET and puts the wait in line; a slot given back goes to the wait first in line.
 */
export interface PollSlot {
  /** Takes a slot for the try about to be sent; false when none is free (the wait is then in line). */
  take(): boolean;
  /** Gives back the slot of a try that has ended. */
  release(): void;
  /** Whether the last take() found no slot and none has been handed to this wait since. */
  readonly inLine: boolean;
  /** Settles when a slot is handed to this wait (at once when it is not in line). */
  handed(): Promise<void>;
  /** The wait is over: its place in line, or a slot handed to it and not yet used, goes on. */
  end(): void;
}

/** A budget of `max` concurrent long-polls (Infinity: every try long-polls, no line is kept). */
export function longPollBudget(max: number): () => PollSlot {
  let free = max;
  /** Waits in line, first first: each is handed a slot by calling it. */
  const line: Array<() => void> = [];
  const giveBack = () => {
    const next = line.shift();
    if (next) next();
    else free++;
  };

  return () => {
    let reserved = false; // a slot handed to this wait while in line, for its next try
    let wake: (() => void) | undefined;
    let woken: Promise<void> | undefined;
    const onHanded = () => {
      reserved = true;
      wake?.();
    };
    const slot: PollSlot = {
      take() {
        if (reserved) {
          reserved = false;
          return true;
        }
        if (free > 0) {
          free--;
          return true;
        }
        if (!line.includes(onHanded)) {
          woken = new Promise((resolve) => {
            wake = resolve;
          });
          line.push(onHanded);
        }
        return false;
      },
      release: giveBack,
      get inLine() {
        return line.includes(onHanded);
      },
      handed: () => (slot.inLine && woken ? woken : Promise.resolve()),
      end() {
        const i = line.indexOf(onHanded);
        if (i >= 0) line.splice(i, 1);
        if (reserved) {
          reserved = false;
          giveBack();
        }
      },
    };
    return slot;
  };
}
