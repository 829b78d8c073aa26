"""The checks of every exercise: one pytest module per exercise, named like the exercise file."""
