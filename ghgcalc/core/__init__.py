"""The core: units, the vocabulary of carriers, regions and metrics, activities, the factor
library, profiles, method resolution, the calculation and its results."""
