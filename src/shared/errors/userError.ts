// The one base of errors that mean "the input is wrong" (a bad file, argument, id or decision), not "the program
// failed": every front door reports them as bad input (CLI exit 2, API kind bad_input) by this class alone.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
