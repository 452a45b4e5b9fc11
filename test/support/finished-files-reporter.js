module.exports = require('./iam-usage').FinishedFilesReporter;
