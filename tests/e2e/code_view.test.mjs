// End to end: the seed's LogAlarmer, pasted as Scala into the built page, becomes the
// pipeline and runs; the code view then shows it as a StreamingContext program in both
// languages, a click on a node lights its lines, and code that cannot be read is listed by
// line and column while the pipeline stays. Screenshots of the code view and the paste box.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as harness from './support/harness.mjs';
import { RESULTS } from './support/harness.mjs';

let session;
let page;
before(async () => {
  session = await harness.openPlayground();
  page = session.page;
  await page.goto(session.server.url);
  await harness.waitReady(page);
});
after(() => session?.close());

const LOG_ALARMER = `import org.apache.spark._
import org.apache.spark.streaming._

object LogAlarmer {
  def main(args: Array[String]) {
    val ssc = new StreamingContext("local[*]", "LogAlarmer", Seconds(1))
    val lines = ssc.socketTextStream("localhost", 9999)
    val errors = lines.filter(_.contains("ERROR"))
    val words = lines.flatMap(_.split(" "))
    val pairs = words.map(x => (x, 1))
    val counts = pairs.reduceByKeyAndWindow((x,y) => x + y, (x,y) => x-y, Seconds(4), Seconds(2))
    counts.print()
    errors.count().print(5)
    ssc.checkpoint("checkpoint")
    ssc.start()
    ssc.awaitTermination()
  }
}
`;

const program = () => page.locator('[data-testid=code-text]').innerText();

async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('---') && !l.startsWith('Time:')).sort();
}

test('the pasted LogAlarmer runs, and the code view shows it as a StreamingContext program', async () => {
  await page.fill('[data-testid=paste-text]', LOG_ALARMER);
  await page.click('[data-testid=paste-import]');
  await page.waitForSelector('[data-testid=import-read]');
  const note = await page.locator('[data-testid=import-note]').first().innerText();
  assert.match(note, /^line 7, column 21: .*socketTextStream/, note);
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 0, 'a new context from batch 0');
  await page.locator('[data-testid=node-counts]').waitFor();
  await page.fill('[data-testid=type-lines]', 'a ERROR b\na');
  await harness.stepTo(page, 1);
  await page.fill('[data-testid=type-lines]', 'b');
  await harness.stepTo(page, 2);
  assert.deepEqual(await printed('print'), ['(ERROR,1)', '(a,2)', '(b,2)']);
  assert.deepEqual(await printed('print_2'), ['0']);

  await page.waitForFunction(() => /ssc\.start\(\)/.test(document.querySelector('[data-testid=code-text]')?.textContent ?? ''));
  let py = await program();
  assert.match(py, /StreamingContext/);
  assert.match(py, /ssc\.start\(\)/);
  assert.match(py, /awaitTermination/);
  assert.match(py, /a ERROR b/, 'the stand-in replays the typed lines');
  await page.click('[data-testid=code-tab-scala]');
  await page.waitForFunction(() => /object Main/.test(document.querySelector('[data-testid=code-text]')?.textContent ?? ''));
  const scala = await program();
  assert.match(scala, /new StreamingContext/);
  assert.match(scala, /ssc\.start\(\)/);
  assert.match(await page.locator('[data-testid=code-download]').innerText(), /Main\.scala/);

  // A node's lines light up; a line of another node selects it.
  await page.click('[data-testid=node-counts]');
  const lit = await page.locator('[data-testid=code-text] .line.hl').allInnerTexts();
  assert.ok(lit.some((l) => /reduceByKeyAndWindow/.test(l)), lit.join('\n'));
  const line = page.locator('[data-testid=code-text] .line[data-node=words]').first();
  await line.click();
  await page.waitForSelector('.node.selected[data-testid=node-words]');
  await page.locator('.code-view').scrollIntoViewIfNeeded();
  await page.locator('.code-view').screenshot({ path: join(RESULTS, 'code-view.png') });
  await page.locator('.paste-code').screenshot({ path: join(RESULTS, 'paste-code.png') });

  await page.click('[data-testid=code-tab-pyspark]');
  py = await program();
  assert.match(py, /ssc\.start\(\)/);
  await page.click('[data-testid=code-copy]');
  await page.waitForSelector('[data-testid=copy-status]');
  const copied = await page.locator('[data-testid=copy-status]').innerText();
  assert.match(copied, /^(Copied|Not copied: .+)$/, copied);
});

test('code that cannot be read is listed by line and column, and the pipeline stays', async () => {
  const before = await harness.batchCounter(page);
  await page.fill('[data-testid=paste-text]', 'object Main {\n  def main(args: Array[String]): Unit = {\n    class Foo\n  }\n}\n');
  await page.click('[data-testid=paste-import]');
  await page.waitForSelector('[data-testid=import-failed]');
  const first = await page.locator('[data-testid=import-error]').first().innerText();
  assert.match(first, /^line 3, column 5: .*class/, first);
  assert.match(await page.inputValue('[data-testid=paste-text]'), /class Foo/, 'the text stays');
  assert.equal(await harness.batchCounter(page), before, 'the run is untouched');
  await page.locator('[data-testid=node-counts]').waitFor();
  await page.locator('.paste-code').screenshot({ path: join(RESULTS, 'paste-code-errors.png') });
  await harness.stepTo(page, before + 1);
});
