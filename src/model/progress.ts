/**
 * How far a long part of a phone reading has got: `done` of `total`. The stages: `steps` (the
 * questions asked of the phone; `item` names the last one answered), `app-files` (app files
 * fingerprinted on the phone, with --hash-all-apps), `signers` (apps whose file was copied to
 * check who signed it, with the bytes copied). The device code counts; the scan passes it on.
 */
export interface ProgressCount {
  stage: 'steps' | 'app-files' | 'signers';
  done: number;
  total: number;
  /** the step id just finished (steps only) */
  item?: string;
  /** signers: bytes of app files copied so far, of those planned */
  bytesDone?: number;
  bytesTotal?: number;
}
