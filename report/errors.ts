// Input a report cannot be made from: a folder that is no run or sweep, an unknown column or run.
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}
