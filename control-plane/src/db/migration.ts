// The shape of one numbered migration. Its own module so that a folder owning some tables
// (rollout/) can declare its migrations without importing the list that collects them.
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}
