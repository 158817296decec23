// The floor of a cold process: an empty ES module.
