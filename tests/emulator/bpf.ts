// A classic BPF interpreter (the programs `tcpdump -dd` prints), as the kernel runs a socket
// filter: the emulator's packet capture applies the client's filter with it.

export interface BpfInstruction {
  op: number;
  jt: number;
  jf: number;
  k: number;
}

const enc = (n: number) => n >>> 0;

/**
 * Runs `prog` over `pkt` (`wireLen` = original length); returns the number of bytes to keep
 * (0 = drop). An invalid program or an out-of-bounds load drops the packet, as the kernel does.
 */
export function runBpf(prog: BpfInstruction[], pkt: Uint8Array, wireLen = pkt.length): number {
  if (prog.length === 0) return wireLen;
  let a = 0, x = 0;
  const mem = new Uint32Array(16);
  const view = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
  const load = (off: number, size: number): number | null => {
    if (off < 0 || off + size > pkt.length) return null;
    return size === 4 ? view.getUint32(off) : size === 2 ? view.getUint16(off) : view.getUint8(off);
  };
  for (let pc = 0; pc < prog.length; pc++) {
    const { op, jt, jf, k } = prog[pc];
    const cls = op & 0x07;
    switch (cls) {
      case 0x00: // LD
      case 0x01: { // LDX
        const mode = op & 0xe0;
        const size = [4, 2, 1, 0][(op >> 3) & 3];
        let v: number | null;
        if (mode === 0x00) v = k; // IMM
        else if (mode === 0x20) v = load(k, size); // ABS
        else if (mode === 0x40) v = load(x + k, size); // IND
        else if (mode === 0x60) v = mem[k & 15]; // MEM
        else if (mode === 0x80) v = wireLen; // LEN
        else if (mode === 0xa0 && cls === 0x01) { // MSH: 4 * (P[k] & 0xf)
          const b = load(k, 1);
          v = b === null ? null : (b & 0x0f) * 4;
        } else return 0;
        if (v === null) return 0;
        if (cls === 0x00) a = enc(v);
        else x = enc(v);
        break;
      }
      case 0x02: // ST
        mem[k & 15] = a;
        break;
      case 0x03: // STX
        mem[k & 15] = x;
        break;
      case 0x04: { // ALU
        const src = (op & 0x08) ? x : k;
        switch (op & 0xf0) {
          case 0x00:
            a = enc(a + src);
            break;
          case 0x10:
            a = enc(a - src);
            break;
          case 0x20:
            a = enc(Number((BigInt(a) * BigInt(src)) & 0xffffffffn));
            break;
          case 0x30:
            if (src === 0) return 0;
            a = enc(Math.floor(a / src));
            break;
          case 0x40:
            a = enc(a | src);
            break;
          case 0x50:
            a = enc(a & src);
            break;
          case 0x60:
            a = src >= 32 ? 0 : enc(a << src);
            break;
          case 0x70:
            a = src >= 32 ? 0 : a >>> src;
            break;
          case 0x80:
            a = enc(-a);
            break;
          case 0x90:
            if (src === 0) return 0;
            a = a % src;
            break;
          case 0xa0:
            a = enc(a ^ src);
            break;
          default:
            return 0;
        }
        break;
      }
      case 0x05: { // JMP
        const src = (op & 0x08) ? x : k;
        const test = op & 0xf0;
        if (test === 0x00) {
          pc += k;
          break;
        }
        let hit: boolean;
        if (test === 0x10) hit = a === src;
        else if (test === 0x20) hit = a > src;
        else if (test === 0x30) hit = a >= src;
        else if (test === 0x40) hit = (a & src) !== 0;
        else return 0;
        pc += hit ? jt : jf;
        break;
      }
      case 0x06: // RET
        return (op & 0x18) === 0x10 ? a : k;
      case 0x07: // MISC: TAX / TXA
        if ((op & 0xf8) === 0x00) x = a;
        else a = x;
        break;
    }
  }
  return 0;
}
