from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "samleng.plans"
    label = "plans"

    def ready(self):
        # What community scorecards add to the facility page (comments'), which does not import plans (core.related).
        from samleng.plans import scorecard_related

        scorecard_related.register()
        # The resources a CBO mobilised, on the CBO's page (cbos', which does not import plans).
        from samleng.plans import resource_related

        resource_related.register()
        # The advocacy plans' activities done at an event, on the event's page (engagement's, which does not
        # import plans).
        from samleng.plans import event_related

        event_related.register()
