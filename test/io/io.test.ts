import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it, vi } from 'vitest';
import { escapeHtml, removeTemp, unescapeHtml, writeFileAtomic } from '../../lib/io';

describe('writeFileAtomic', () => {
  const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-io-'));

  it('writes text, bytes or chunks in order, creates folders and leaves no temp file', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a', 'b', 'x.bin');
    writeFileAtomic(file, 'héllo');
    expect(fs.readFileSync(file, 'utf8')).toBe('héllo');
    writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    const f32 = Float32Array.from([1.5, -2]);
    writeFileAtomic(file, [Buffer.from('AB'), new Uint8Array(f32.buffer)]);
    const back = fs.readFileSync(file);
    expect(back.subarray(0, 2).toString()).toBe('AB');
    expect([...new Float32Array(back.buffer.slice(back.byteOffset + 2, back.byteOffset + 10))]).toEqual([1.5, -2]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['x.bin']);
  });

  it('keeps the old file and removes the temp file when the rename fails', () => {
    const dir = tmpDir();
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['occupied']);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });
});

describe('escapeHtml', () => {
  it('escapes markup and attribute quotes, and unescapeHtml reverses it', () => {
    const s = `<a href="x">Tom & 'Jerry'</a>`;
    expect(escapeHtml(s)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; \'Jerry\'&lt;/a&gt;');
    expect(unescapeHtml(escapeHtml(s))).toBe(s);
    expect(unescapeHtml('&#39;a&nbsp;b&amp;lt;')).toBe("'a\u00a0b&lt;");
  });
});

describe('removeTemp', () => {
  it('removes a folder tree; a path it cannot remove is reported on stderr, not thrown', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-io-'));
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'b', 'f'), 'x');
    removeTemp(dir);
    expect(fs.existsSync(dir)).toBe(false);

    // Under a plain file, so removal fails with ENOTDIR whatever the user's rights are.
    const file = path.join(os.tmpdir(), `unlearn-lab-io-file-${process.pid}`);
    fs.writeFileSync(file, 'x');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => removeTemp(path.join(file, 'sub'))).not.toThrow();
      expect(String(write.mock.calls[0]?.[0])).toContain(`could not remove the temporary ${path.join(file, 'sub')}`);
    } finally {
      write.mockRestore();
      fs.rmSync(file);
    }
  });
});
