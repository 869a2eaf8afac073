/**
 * Content a read-only dump can carry that spycheck must never keep (safety rule 2). `dumpsys
 * bluetooth_manager` ends with a base64 summary of the most recent Bluetooth packets
 * (BTSNOOP_LOG_SUMMARY): packets to a watch or a car can hold notification and message text. That
 * block is left out of the answer before it is kept or read, and a line in its place says how
 * many bytes were left out, so the raw file never pretends to be the whole answer.
 */
import { ANDROID_COMMANDS } from './commands.js';

const BEGIN = /^.*BEGIN:BTSNOOP_LOG_SUMMARY.*$/m;
const END = /^.*END:BTSNOOP_LOG_SUMMARY.*$/m;

export function withoutContent(command: string, data: Buffer): Buffer {
  return command === ANDROID_COMMANDS.bluetoothManager ? withoutPacketLog(data) : data;
}

/**
 * The same block left out of any text (an androidqf or bugreport acquisition holds the Bluetooth
 * dump inside a larger file); a text without it is returned as it is.
 */
export function withoutPacketLog(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const begin = BEGIN.exec(text);
  if (!begin) return data;
  const afterBegin = begin.index + begin[0].length;
  const end = END.exec(text.slice(afterBegin));
  // an answer cut off inside the block: everything from its start is left out
  const stop = end ? afterBegin + end.index + end[0].length : text.length;
  const removed = stop - begin.index;
  const marker = `[spycheck left out ${removed} bytes here: the Bluetooth packet log, which can hold what was sent to other devices]`;
  return Buffer.concat([
    data.subarray(0, begin.index),
    Buffer.from(marker, 'latin1'),
    data.subarray(stop),
  ]);
}
