"""Annual and mid-course reviews of the edition in force, and the comparison of two editions."""
