import { registry } from "@web/core/registry";
import { UrlField, urlField } from "@web/views/fields/url/url_field";

/**
 * A link whose words are another field's value: on the work order, the site's
 * address, tapped to navigate (the field itself holds the maps URL). Without
 * the address the link reads as the field's label.
 */
export class SolarDirectionsField extends UrlField {
    static template = "solar_om_monitoring.DirectionsField";
    static props = {
        ...UrlField.props,
        textField: { type: String, optional: true },
    };

    get linkText() {
        const text = this.props.textField && this.props.record.data[this.props.textField];
        return text || this.props.text || this.value;
    }
}

export const solarDirectionsField = {
    ...urlField,
    component: SolarDirectionsField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...urlField.extractProps(fieldInfo, dynamicInfo),
        textField: fieldInfo.options.text_field,
    }),
    fieldDependencies: ({ options }) =>
        options.text_field ? [{ name: options.text_field, type: "char" }] : [],
};

registry.category("fields").add("solar_directions", solarDirectionsField);
