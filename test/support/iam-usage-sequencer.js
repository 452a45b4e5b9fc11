module.exports = require('./iam-usage').LeastPrivilegeLastSequencer;
