"""Files to validated models: units, the scenario, inputs and policy models, validation
errors a range master can act on, and the catalogue of shipped files. No I/O beyond
reading the file named."""
