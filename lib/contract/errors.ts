/**
 * The one error a construct throws for values a user can fix: every problem
 * at once, each line `<env>.<field.path>: <what is wrong>` like a config
 * error, under the path of the construct that found them.
 */

export class ConstructError extends Error {
  /**
   * @param constructPath - the construct that refused its input (`staging/aws-function`)
   * @param problems - one line each, `<env>.<field.path>: <what is wrong, what is allowed>`
   */
  constructor(
    readonly constructPath: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${constructPath}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConstructError";
  }
}
