"""Query lookups that keep out-of-range input from reaching the database."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`__in` on an integer column leaves out values the column cannot hold,
    as Django's own exact, gt and lt lookups on integers do
    (IntegerFieldOverflow). A posted key such as 99999999999999999999 in a
    multiple choice (a form's focus areas, the admin's permissions) then
    matches nothing and the form says so, instead of SQLite raising
    OverflowError. Registered by `PortalConfig.ready()`."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
