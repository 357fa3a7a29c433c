// Prints the suite's result as one plain closing line ("N passed, N failed[, N skipped]") that any CI log reader
// understands, after jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    // Jest prints its own summary after every reporter's onRunComplete; print ours last, as the process ends.
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
