"""Sub-commands of `grade` beyond grading itself, one module each."""
