declare module 'asl-validator' {
  interface Result {
    isValid: boolean;
    errorsText: (separator?: string) => string;
  }
  export default function aslValidator(definition: unknown): Result;
}
